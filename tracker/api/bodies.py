"""What a request body is: a JSON object with the fields an endpoint names."""

from pydantic import BaseModel


class Body(BaseModel):
    """
    The base of every request body.

    A plain pydantic model, not ninja's Schema: Schema also reads the attributes of whatever JSON value
    comes, so a list or a number would pass as a change of nothing instead of a 400.
    """
