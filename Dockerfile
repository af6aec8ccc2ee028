FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    FACTCHECK_DATA_DIR=/data

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY manage.py ./
COPY factcheck ./factcheck
COPY annotations ./annotations
COPY templates ./templates

# Static files are collected into the image and served by WhiteNoise. The key is a
# throwaway used only by this build step; the real one comes from the environment.
RUN SECRET_KEY=collectstatic-only FACTCHECK_DATA_DIR=/tmp/build-data \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin factcheck \
    && mkdir -p /data \
    && chown factcheck:factcheck /data
USER factcheck
VOLUME ["/data"]
EXPOSE 8000

CMD ["gunicorn", "factcheck.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4"]
