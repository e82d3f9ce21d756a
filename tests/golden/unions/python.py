class Circle(BaseModel):
    radius: float

class Rect(BaseModel):
    width: float
    height: float

class ShapeCircle(Circle):
    kind: Literal["circle"] = Field(default="circle")


class ShapeRect(Rect):
    kind: Literal["rect"] = Field(default="rect")


Shape: TypeAlias = Annotated[ShapeCircle | ShapeRect, Field(discriminator="kind")]

class NamedSize(StrEnum):
    SMALL = "small"
    LARGE = "large"

Size: TypeAlias = int | NamedSize

class Drawing(BaseModel):
    id: str
    shapes: list[Shape]
    label: str | None = None
    note: str | None
    size: Size | None = None