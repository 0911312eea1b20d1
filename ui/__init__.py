"""Streamlit helpers shared by the pages: URL checks, grid inputs, share links. No math."""
