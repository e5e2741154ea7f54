"""Amazon SES (DESIGN §11): the node app.aws_ses (an email sent), with the AWS access key
credential S3 uses (kind `s3`: its key pair and region; an IAM user needs `ses:SendEmail`)."""

from __future__ import annotations

from integrations.aws_ses import node
from integrations.s3 import SERVICE as S3
from integrations.service import Service

SERVICE = Service(name="aws_ses", label="AWS SES", kinds=S3.kinds, node=node.NODE)
