"""pgqueuer (PyPI) doing what bench/queue/run.sh asks of Zixly, on the same PostgreSQL.

    python pgqueuer_bench.py install DSN
    python pgqueuer_bench.py enqueue DSN SECONDS CLIENTS   -> JSON: single enqueues/s, p50/p99 ms
    python pgqueuer_bench.py fill DSN JOBS                 -> enqueues JOBS no-op jobs in batches
    python pgqueuer_bench.py drain DSN BATCH               -> processes no-op jobs until none is left
"""
import asyncio
import json
import sys
import time

import asyncpg
from pgqueuer.db import AsyncpgDriver
from pgqueuer.qm import QueueManager
from pgqueuer.queries import Queries
from pgqueuer.types import QueueExecutionMode


async def install(dsn):
    connection = await asyncpg.connect(dsn)
    await Queries(AsyncpgDriver(connection)).install()
    await connection.close()


async def enqueue(dsn, seconds, clients):
    async def client():
        connection = await asyncpg.connect(dsn)
        queries = Queries(AsyncpgDriver(connection))
        latencies = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            started = time.perf_counter()
            await queries.enqueue("noop", None)
            latencies.append(time.perf_counter() - started)
        await connection.close()
        return latencies

    started = time.perf_counter()
    results = await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies = sorted(value for result in results for value in result)
    pick = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
    print(json.dumps({"enqueued": len(latencies), "seconds": elapsed, "per_second": len(latencies) / elapsed,
                      "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


async def fill(dsn, jobs):
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    for start in range(0, jobs, 1000):
        n = min(1000, jobs - start)
        await queries.enqueue(["noop"] * n, [None] * n, [0] * n)
    await connection.close()


async def drain(dsn, batch):
    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("noop")
    async def noop(job):
        pass

    await manager.run(mode=QueueExecutionMode.drain, batch_size=batch)
    await connection.close()


if __name__ == "__main__":
    command, dsn = sys.argv[1], sys.argv[2]
    if command == "install":
        asyncio.run(install(dsn))
    elif command == "enqueue":
        asyncio.run(enqueue(dsn, float(sys.argv[3]), int(sys.argv[4])))
    elif command == "fill":
        asyncio.run(fill(dsn, int(sys.argv[3])))
    elif command == "drain":
        asyncio.run(drain(dsn, int(sys.argv[3])))
