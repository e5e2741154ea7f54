"""Spotify (DESIGN §11): an OAuth 2.0 app and a refresh token its user granted it, and the node
app.spotify (Spotify's Web API: searches, tracks, playlists, the liked tracks and the player)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.spotify import node, web_api
from integrations.spotify.credentials import SpotifyOAuth2

SERVICE = Service(
    name="spotify",
    label="Spotify",
    kinds=(CredentialKind(SpotifyOAuth2, test=web_api.check),),
    node=node.NODE,
)
