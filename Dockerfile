# The stemma command as an image, for docker-compose.yml. Build the application first:
#   ./mvnw -B -q -DskipTests package -pl cli -am     (writes cli/target/stemma.jar and cli/target/lib/)
#   docker compose build
# cli/target/stemma.jar is not a fat jar: its manifest puts lib/*.jar on the class path, so both
# are copied side by side. The shipped base model and the Fashion-MNIST subset make
# `stemma train`'s defaults work inside the container.
FROM eclipse-temurin:17.0.15_6-jre-noble

# PyTorch's CPU threads spin while waiting; PASSIVE stops them starving other containers on a
# small machine (bin/stemma sets the same). -Dai.djl.offline=true below: DJL uses the PyTorch
# native library from lib/ and downloads nothing.
ENV OMP_WAIT_POLICY=PASSIVE
# oneDNN's convolution backward read uninitialised memory above AVX on AMD Zen 5 (NaN gradients,
# see ConvolutionCheck in the trainer); bin/stemma and the Maven build set the same cap.
ENV ONEDNN_MAX_CPU_ISA=AVX

# Every command's default data directory, stemma-data/ (stores, runs, the embedded broker), is
# the volume: /opt/stemma/stemma-data -> /var/lib/stemma.
RUN useradd --create-home --uid 10001 stemma \
    && mkdir -p /var/lib/stemma /opt/stemma \
    && chown stemma:stemma /var/lib/stemma \
    && ln -s /var/lib/stemma /opt/stemma/stemma-data

WORKDIR /opt/stemma
COPY cli/target/lib/ /opt/stemma/lib/
COPY cli/target/stemma.jar /opt/stemma/stemma.jar
COPY models/ /opt/stemma/models/
COPY data/fashion-mnist-subset/ /opt/stemma/data/fashion-mnist-subset/

# Stores and runs are written by this user (the DJL cache goes to its home); a named volume
# mounted at /var/lib/stemma starts out owned by it.
USER stemma
VOLUME /var/lib/stemma
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dai.djl.offline=true", "-jar", "/opt/stemma/stemma.jar"]
CMD ["--help"]
