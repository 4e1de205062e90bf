"""The face: click commands and shared options. It calls the ceremonies and the record; nothing imports it.

main.py holds the group and the exit codes and lists the commands without importing them; each module of
commands is imported when one of its commands runs."""

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}  # every command's click settings
