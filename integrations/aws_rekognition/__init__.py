"""Amazon Rekognition (DESIGN §11): the node app.aws_rekognition (an image's labels, text,
faces, moderation labels or celebrities), with the AWS access key credential S3 uses (one kind,
`s3`; an IAM user needs `rekognition:Detect*` and `RecognizeCelebrities`, and `s3:GetObject`
for images read from a bucket)."""

from __future__ import annotations

from integrations.aws_rekognition import node
from integrations.s3 import SERVICE as S3
from integrations.service import Service

SERVICE = Service(name="aws_rekognition", label="AWS Rekognition", kinds=S3.kinds, node=node.NODE)
