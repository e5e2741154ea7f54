"""Amazon Comprehend (DESIGN §11): the node app.aws_comprehend (a text's sentiment, dominant
language and entities), with the AWS access key credential S3 uses (one kind, `s3`: its key
pair and region; an IAM user needs `comprehend:Detect*`)."""

from __future__ import annotations

from integrations.aws_comprehend import node
from integrations.s3 import SERVICE as S3
from integrations.service import Service

SERVICE = Service(name="aws_comprehend", label="AWS Comprehend", kinds=S3.kinds, node=node.NODE)
