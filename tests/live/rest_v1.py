"""Version 1 of a code-first FastAPI service: its /openapi.json comes from this code."""
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="pets", version="1")


class Pet(BaseModel):
    id: int
    name: str
    tag: str | None = None


@app.get("/pets/{pet_id}")
def get_pet(pet_id: int) -> Pet:
    return Pet(id=pet_id, name="rex")


@app.get("/pets")
def list_pets(limit: int = 10) -> list[Pet]:
    return []


@app.delete("/pets/{pet_id}")
def delete_pet(pet_id: int) -> None:
    return None
