"""A stand-in for the Telegram Bot API on 127.0.0.1, and the real bot run against it: the
test infrastructure of the end-to-end tests (tests/bot/test_telegram_*.py), which the
benchmarks (bench/bot_e2e.py, bench/footprint.py) use too, so it lives outside tests/.

    stub = StubBotApi().start()                 # random port, a thread of its own
    cfg = write_config(tmp, stub)               # config.toml with base_url pointed at it
    with BotRunner(cfg) as bot:                 # the real application, polling over HTTP
        msg = stub.send(stub.private(42), "雨花区有多少红色之家？")
        reply = stub.wait_reply(msg)            # the sendMessage the bot made
    stub.stop()

    loopback.server         the stub Bot API (StubBotApi, its Call and Fault records)
    loopback.telegram_html  Telegram HTML as the Bot API checks it (parse_telegram_html)
    loopback.runner         write_config, copy_index, BotRunner: the real bot against the stub
    loopback.measure        measure_bot: the benchmark hook (throughput, latency percentiles)
    loopback.shard_servers  real xapian-tcpsrv shard servers on 127.0.0.1 (tests/search/test_shards.py, bench/shards.py)

Importing it does not import the bot: runner and measure import it when they run.
"""
