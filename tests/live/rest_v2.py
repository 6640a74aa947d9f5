"""Version 2 of the FastAPI service: DELETE is gone and listing needs an owner."""
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="pets", version="2")


class Pet(BaseModel):
    id: int
    name: str
    tag: str | None = None


@app.get("/pets/{pet_id}")
def get_pet(pet_id: int) -> Pet:
    return Pet(id=pet_id, name="rex")


@app.get("/pets")
def list_pets(owner: str, limit: int = 10) -> list[Pet]:
    return []
