from pkg.session import Trace
