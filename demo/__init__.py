"""Demo data, outside the engine: the living demo (`flask demo seed`, workflow driven, every
state of both programmes) and the scale generator (`flask demo seed --scale N`, written in
bulk). Both write only what the workflow would write, so `flask audit verify` passes."""
