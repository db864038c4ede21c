"""Spiders of the bluecarbon crawler."""
