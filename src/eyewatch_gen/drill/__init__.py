"""`eyewatch-gen drill`: the whole chain on a real Prometheus and Alertmanager, on loopback."""
