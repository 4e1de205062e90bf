"""The face: click commands and shared options. It calls the ceremonies and the record; nothing imports it."""
