"""Google Books (DESIGN §11): a Google OAuth 2.0 refresh-token credential (Gmail's machinery,
with the books scope), and the node app.google_books (Books API v1: volumes got and searched,
bookshelves got and listed, a shelf's volumes listed, added, removed, moved, cleared)."""

from __future__ import annotations

from integrations.google_books import books_api, node
from integrations.google_books.credentials import GoogleBooksOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="google_books",
    label="Google Books",
    kinds=(CredentialKind(GoogleBooksOAuth2, test=books_api.check),),
    node=node.NODE,
)
