"""The REST API (FastAPI) and the web app over a store."""
