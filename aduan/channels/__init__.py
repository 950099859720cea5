"""Channels on which complaints arrive by themselves and answers go back: mail (``email``,
app label ``mail``) and webhooks for chat, SMS and social media (``webhooks``)."""
