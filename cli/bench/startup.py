#!/usr/bin/env python3
"""Start-up of the tether CLI, measured as a user meets it (a benchmark, not a test).

For each run: the wall time from starting `java -jar tether-cli.jar connect URL` in a
pseudo-terminal until its prompt is on screen (connected, line editing ready), then /quit; and
the time of `--version` to its exit. Against `tether listen 0` on 127.0.0.1, started once.

    python3 cli/bench/startup.py [--runs 20] [--jar cli/target/tether-cli.jar] [-- extra JVM flags]
"""
import argparse, fcntl, os, pty, re, select, statistics, struct, subprocess, termios, time

def until(fd, pattern, timeout=30.0):
    seen, deadline = b"", time.monotonic() + timeout
    while not re.search(pattern, seen):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise SystemExit(f"timed out waiting for {pattern!r}; saw {seen[-400:]!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen

def summary(name, samples):
    samples = sorted(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    print(f"{name:<34} median {statistics.median(samples) * 1000:7.0f} ms   p90 {p90 * 1000:7.0f} ms"
          f"   min {samples[0] * 1000:5.0f} ms   ({len(samples)} runs)")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jar", default="cli/target/tether-cli.jar")
    parser.add_argument("jvm", nargs="*", help="extra JVM flags, after --")
    args = parser.parse_args()
    java = [os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")] if os.environ.get("JAVA_HOME") else ["java"]
    command = java + args.jvm + ["-jar", args.jar]

    server = subprocess.Popen(command + ["listen", "0"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    url = None
    while url is None:
        line = server.stderr.readline().decode()
        if not line:
            raise SystemExit("tether listen did not start")
        found = re.search(r"(ws://127\.0\.0\.1:\d+/)", line)
        url = found and found.group(1)
    try:
        to_prompt, version = [], []
        for _ in range(args.runs):
            start = time.monotonic()
            pid, fd = pty.fork()
            if pid == 0:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120x40 terminal
                os.environ["TERM"] = "xterm-256color"
                os.execvp(command[0], command + ["connect", url, "--no-color"])
            until(fd, rb"/help for commands.*\r?\n.*> ")
            to_prompt.append(time.monotonic() - start)
            os.write(fd, b"/quit\r")
            until(fd, rb"closed: 1000")
            os.waitpid(pid, 0)
            os.close(fd)

            start = time.monotonic()
            subprocess.run(command + ["--version"], check=True, stdout=subprocess.DEVNULL)
            version.append(time.monotonic() - start)
        print(f"tether CLI start-up, {' '.join(command)}")
        summary("connect: start to prompt", to_prompt)
        summary("--version: start to exit", version)
    finally:
        server.terminate()
        server.wait(10)

if __name__ == "__main__":
    main()
