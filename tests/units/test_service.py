"""Unit writes that other features take part in: deactivating asks accounts about its users."""

import pytest

from tracker.accounts.service import set_disabled
from tracker.core.exceptions import DomainError
from tracker.units import service


def test_a_unit_keeps_its_active_users_then_deactivates(org):
    admin = org.users.admin
    with pytest.raises(DomainError) as refused:
        service.set_active(admin, org.elderly, False)
    assert "养老服务科" in refused.value.message
    assert org.elderly.is_active
    set_disabled(admin, org.users.chief_elderly, True)
    service.set_active(admin, org.elderly, False)
    assert not org.elderly.is_active
