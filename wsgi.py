import sys

from tracker import create_app
from tracker.config import ConfigError

try:
    app = create_app()
except ConfigError as error:  # one clear line in the service's log, not a traceback
    sys.exit(f"duban: {error}")
