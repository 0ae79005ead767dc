# syntax=docker/dockerfile:1
# The routes application: a Maven build stage, then a slim JRE image that runs routes.jar.
# Build it with "docker compose build routes" (./start.sh does); no local Maven or JDK is needed.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# the BuildKit cache mount keeps ~/.m2 between builds, so a rebuild after a code change downloads nothing. The tests
# are neither compiled nor run, and the profile test-deps holds every test-only dependency: none is downloaded.
# Maven lists what it downloads, so a first build shows its progress.
RUN --mount=type=cache,target=/root/.m2 mvn -B package -Dmaven.test.skip=true -P '!test-deps'

FROM eclipse-temurin:17-jre
# curl serves the container healthcheck; the Temurin images ship it today, install it should that change
RUN command -v curl >/dev/null 2>&1 \
    || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system --gid 10001 routes \
    && useradd --system --uid 10001 --gid routes --home-dir /app --shell /usr/sbin/nologin routes
WORKDIR /app
COPY --from=build /src/target/routes.jar /app/routes.jar
# the image's own copy of the routes; docker-compose.yml mounts ./routes over it for live reload
COPY routes/ /app/routes/

# JVM memory for a peak RSS within 512 MB (see docs/compose-stack.md, JVM settings): a fixed 256 MB heap ceiling, bounded
# metaspace, code cache and direct buffers, and the serial collector (smallest footprint; 1-2 cores).
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms64m -Xmx256m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError" \
    ROUTES_DIR=/app/routes \
    SINK_DIR=/app/data/sink \
    MANAGEMENT_PORT=8080
# A class-data archive of what startup loads (docs/compose-stack.md, JVM settings): the routes started once for 5 s, with nothing
# to reach, and the classes they loaded written out at exit. Each start then maps them instead of loading them from
# the jar, about a second less to the first event. Its sink folder is thrown away, so nothing here belongs to root.
RUN SINK_DIR=/tmp/class-data-sink java -XX:ArchiveClassesAtExit=/app/routes.jsa -jar /app/routes.jar -d 5 \
    && test -s /app/routes.jsa && rm -rf /tmp/class-data-sink
RUN mkdir -p /app/data/sink && chown -R routes:routes /app/data
# docker-compose.yml sets the same value through ROUTES_JAVA_TOOL_OPTIONS, so it can be changed without a rebuild.
ENV JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS} -XX:SharedArchiveFile=/app/routes.jsa"

USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=30 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/observe/health/ready || exit 1
# exec form: java is PID 1 and gets SIGTERM itself, so Camel's graceful shutdown runs on "docker compose stop"
ENTRYPOINT ["java", "-jar", "/app/routes.jar"]
