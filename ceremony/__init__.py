"""Ceremony scripts, the example ceremony config and the offline-bundle script, installed as package data."""
