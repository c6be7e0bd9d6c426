"""The dialog brain: state machine (engine), responders, LLM prompts and Realtime payloads."""
