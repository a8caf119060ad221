"""Routes for drafting help (outline, copy check); filled in by the drafting work."""
from fastapi import APIRouter

router = APIRouter(prefix="/api")
