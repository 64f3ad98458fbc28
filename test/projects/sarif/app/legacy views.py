import subprocess


async def export_report():
    subprocess.run(["make", "report"], check=True)


def refresh():
    time.sleep(1)  # pylint-perf: disable=PP101
