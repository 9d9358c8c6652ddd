import sys

from tracker import create_app
from tracker.config import ConfigError
from tracker.core.memory import freeze_startup_objects, return_freed_memory

try:
    app = create_app()
except ConfigError as error:  # one clear line in the service's log, not a traceback
    sys.exit(f"duban: {error}")
return_freed_memory(app)  # a worker's heap goes back down after each response
freeze_startup_objects()  # full collections stay short in every worker
