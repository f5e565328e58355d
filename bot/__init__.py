"""The answer bot: the command line and the Telegram front end over `index.engine`."""
