from bot.cli import main

if __name__ == "__main__":  # the render worker (spawn) imports this module again
    raise SystemExit(main())
