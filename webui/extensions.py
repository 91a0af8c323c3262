"""Flask extensions, created here and bound in create_app."""

from flask_babel import gettext
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from models.i18n import N_

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please log in to see this page.")
# Flask-Login flashes the message through this: in the page's language.
login_manager.localize_callback = gettext
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

compress = Compress()
csrf = CSRFProtect()
migrate = Migrate()
