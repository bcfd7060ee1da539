"""A single-node Slurm cluster for the tests, on loopback, in a temporary
directory: munged with a key of its own, slurmctld and slurmd in the
foreground on free ports, every file (config, state, spool, logs, pid files,
munge socket) under that directory. Stopped by the pids it started, never by
name. Needs Debian's slurm-wlm and munge; run as root (SlurmUser=root).

    with SlurmCluster(cpus=2) as cluster:
        env = cluster.env()          # SLURM_CONF for sbatch, squeue, scontrol
        subprocess.run(["sbatch", ...], env=env)
"""

import os
import signal
import socket
import subprocess
import tempfile
import time

CONF = """ClusterName=moissontest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
AuthInfo=socket={dir}/munge/munge.socket
CredType=cred/munge
StateSaveLocation={dir}/state
SlurmdSpoolDir={dir}/spool
SlurmctldPidFile={dir}/slurmctld.pid
SlurmdPidFile={dir}/slurmd.pid
SlurmctldLogFile={dir}/log/slurmctld.log
SlurmdLogFile={dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
PlugStackConfig={dir}/plugstack.conf
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def _free_ports(n):
    """n distinct free TCP ports (bound together, then released)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class SlurmCluster:
    def __init__(self, cpus=None):
        self.cpus = cpus or os.cpu_count() or 1
        self.tmp = None
        self.procs = []

    @property
    def dir(self):
        return self.tmp.name

    def env(self, extra=None):
        e = dict(os.environ)
        e["SLURM_CONF"] = os.path.join(self.dir, "slurm.conf")
        for k in list(e):
            if k.startswith("SLURM_") and k != "SLURM_CONF":
                del e[k]
        e.update(extra or {})
        return e

    def _spawn(self, name, cmd):
        log = open(os.path.join(self.dir, "log", name + ".out"), "w")
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             env=self.env(), start_new_session=True)
        log.close()
        self.procs.append((name, p))
        return p

    def logs(self):
        text = []
        for name in ("munged.out", "slurmctld.out", "slurmd.out", "slurmctld.log", "slurmd.log"):
            try:
                with open(os.path.join(self.dir, "log", name), errors="replace") as f:
                    text.append(f"--- {name}\n" + "".join(f.readlines()[-15:]))
            except OSError:
                pass
        return "\n".join(text)

    def start(self, timeout=60):
        self.tmp = tempfile.TemporaryDirectory(prefix="moisson-slurm-")
        d = self.dir
        os.chmod(d, 0o755)
        for sub in ("munge", "state", "spool", "log"):
            os.makedirs(os.path.join(d, sub))
        os.chmod(os.path.join(d, "munge"), 0o755)
        key = os.path.join(d, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o600)
        open(os.path.join(d, "plugstack.conf"), "w").close()
        ctld_port, d_port = _free_ports(2)
        with open(os.path.join(d, "slurm.conf"), "w") as f:
            f.write(CONF.format(dir=d, ctld_port=ctld_port, d_port=d_port, cpus=self.cpus))
        self._spawn("munged", ["munged", "-F", "--force", f"--socket={d}/munge/munge.socket", f"--key-file={key}",
                               f"--log-file={d}/log/munged.log", f"--pid-file={d}/munge/munged.pid",
                               f"--seed-file={d}/munge/seed"])
        deadline = time.time() + timeout
        while not os.path.exists(os.path.join(d, "munge", "munge.socket")):
            if time.time() > deadline or self.procs[0][1].poll() is not None:
                raise RuntimeError("munged did not start:\n" + self.logs())
            time.sleep(0.05)
        conf = os.path.join(d, "slurm.conf")
        self._spawn("slurmctld", ["slurmctld", "-D", "-f", conf])
        self._spawn("slurmd", ["slurmd", "-D", "-f", conf, "-N", "localhost"])
        while True:
            p = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, env=self.env())
            if p.returncode == 0 and p.stdout.strip() == "idle":
                return self
            dead = [n for n, proc in self.procs if proc.poll() is not None]
            if dead or time.time() > deadline:
                raise RuntimeError(f"Slurm did not come up ({dead or 'timeout'}; sinfo: {p.stdout.strip()} "
                                   f"{p.stderr.strip()}):\n" + self.logs())
            time.sleep(0.2)

    def job_state(self, job_id):
        """JobState of every job of `job_id` (an array's tasks too), from scontrol."""
        p = subprocess.run(["scontrol", "-o", "show", "job", str(job_id)], capture_output=True, text=True,
                           env=self.env())
        states = []
        for line in p.stdout.splitlines():
            for field in line.split():
                if field.startswith("JobState="):
                    states.append(field.split("=", 1)[1])
        return states

    def stop(self):
        # Daemons first (slurmd, slurmctld), munged last; each by its own pid.
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False
