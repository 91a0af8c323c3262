FLASK_APP=webui:create_app
