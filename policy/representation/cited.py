"""The cited records' serializers (each cites a source: policy.models.base.Cited) other than
policies, whose typed links have a module of their own (policy.representation.policy_links)."""

from ..models import AidPackage, Event, Statement, Statistic
from ..records import AID_PACKAGE, EVENT, STATEMENT, STATISTIC
from .base import RecordSerializer


class EventSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Event
        fields = list(EVENT.columns)


class AidPackageSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = AidPackage
        fields = list(AID_PACKAGE.columns)


class StatementSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Statement
        fields = list(STATEMENT.columns)


class StatisticSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Statistic
        fields = list(STATISTIC.columns)
