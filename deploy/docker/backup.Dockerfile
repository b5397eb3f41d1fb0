# The backup CronJob's image: the AWS CLI (for S3 and IRSA) with PostgreSQL 16's pg_dump and
# pg_restore, running deploy/backup/zixly-backup.sh as a non-root user.
#
#   docker build -f deploy/docker/backup.Dockerfile -t zixly-backup:0.1.0 .
ARG AWS_CLI_IMAGE=public.ecr.aws/aws-cli/aws-cli:2.27.49
FROM ${AWS_CLI_IMAGE}
# hadolint ignore=DL3041
RUN dnf install -y postgresql16 && dnf clean all && rm -rf /var/cache/dnf
COPY deploy/backup/zixly-backup.sh /usr/local/bin/zixly-backup
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/zixly-backup"]
CMD ["backup"]
