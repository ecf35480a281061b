"""Brian2 cpp_standalone side of `npm run bench:cuba` (copied to a temp dir and run there by bench/cuba.mjs).

The single-current CUBA network of bench/cuba-network.mjs: same parameters, p, size and duration.
Prints one JSON line: run time of the simulation loop only (Brian's own Network::run timer, so code
generation and compilation are excluded), the CPU time (user + system) and wall time of the compiled binary's
whole run (its set-up — reading the arrays — included, so an upper bound of the loop's CPU time), spikes,
synaptic events (sum over spikes of the neuron's out-degree) and the mean rate.
With `repeats` > 1 the compiled binary is run that many times (same network, same results) and `runs_s` lists
every run's loop time; `run_s` is their median, and the CPU and wall figures are the median run's.
Usage: python3 brian-cuba.py N p duration_s seed project_dir [repeats]
"""
import json
import resource
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, mV, ms, prefs, run, second,
                    seed, set_device)

N = int(sys.argv[1])
p = float(sys.argv[2])
duration = float(sys.argv[3])
seed_value = int(sys.argv[4])
project = sys.argv[5]
repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 1

set_device('cpp_standalone', directory=project, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0  # one thread, like the Dendrite single-thread figure
seed(seed_value)
defaultclock.dt = 0.1 * ms

taum = 20 * ms
taus = 5 * ms
Vt = -50 * mV
Vr = -60 * mV
El = -49 * mV
we = (60 * 0.27 / 10) * mV
wi = (-20 * 4.5 / 10) * mV
Ne = int(0.8 * N)

eqs = '''
dv/dt = (g - (v - El)) / taum : volt (unless refractory)
dg/dt = -g / taus : volt
'''
P = NeuronGroup(N, eqs, threshold='v > Vt', reset='v = Vr', refractory=5 * ms, method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.g = 0 * mV
Ce = Synapses(P, P, on_pre='g += we')
Ci = Synapses(P, P, on_pre='g += wi')
Ce.connect('i < Ne', p=p)
Ci.connect('i >= Ne', p=p)
M = SpikeMonitor(P, record=False)
run(duration * second)
device.build(directory=project, compile=True, run=False, debug=False)
runs = []
for _ in range(repeats):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    device.run(project, False, [])
    wall = time.perf_counter() - w0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs.append((float(device._last_run_time), (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), wall))
run_s, binary_cpu, binary_wall = sorted(runs)[(len(runs) - 1) // 2]

count = np.asarray(M.count[:], dtype=np.int64)
outdeg = np.bincount(np.asarray(Ce.i[:]), minlength=N) + np.bincount(np.asarray(Ci.i[:]), minlength=N)
print(json.dumps({
    'run_s': run_s,
    'runs_s': [r[0] for r in runs],
    'binary_cpu_s': binary_cpu,
    'binary_wall_s': binary_wall,
    'spikes': int(count.sum()),
    'events': int((count * outdeg).sum()),
    'synapses': int(len(Ce) + len(Ci)),
    'rate_hz': float(count.sum()) / N / duration,
}))
