"""Behavioural tests of the trained model: invariance, direction, minimum functionality."""
