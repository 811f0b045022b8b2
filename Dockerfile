# The production image: gunicorn for web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Fonts embedded in the settlement statements' PDF (partners/settlement/pdf_fonts.py): DejaVu Sans
# for Latin with Vietnamese and Cyrillic, WenQuanYi Zen Hei (TrueType outlines) for Chinese.
# postgresql-client: pg_dump and pg_restore for manage.py db_backup / db_restore (docs/runbook.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-wqy-zenhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# collectstatic reads the production settings but touches no service: throw-away values,
# used at build time only (the running containers get theirs from the environment).
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 troika \
    && mkdir -p /app/var/media && chown -R troika /app/var

USER troika
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
