"""Helpers of `action.vector_store` (editor/nodes/action_vector_store.py): the text splitter,
the stores it writes to and searches (WorkFuse's own table, Qdrant, Pinecone) and the settings
shared with the agent's vector store tool."""
