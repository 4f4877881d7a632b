"""The running control plane's parts, built once from Settings, shared by requests."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from zigttp.controlplane import registry_access
from zigttp.controlplane.config import Settings
from zigttp.controlplane.database import Database
from zigttp.controlplane.image_store import ImageStore
from zigttp.controlplane.providers.base import Provider
from zigttp.controlplane.providers.local import LocalProvider
from zigttp.controlplane.registry_auth import TokenIssuer
from zigttp.controlplane.releases import current_deployments
from zigttp.controlplane.secret import Sealer

log = logging.getLogger(__name__)


@dataclass
class ControlPlane:
    """Settings, storage, keys, the registry client and the provider, together."""

    settings: Settings
    database: Database
    sealer: Sealer
    issuer: TokenIssuer
    puller_password: str
    images: ImageStore
    provider: Provider

    @classmethod
    def open(cls, settings: Settings) -> ControlPlane:
        """Make the data dir's keys if new, migrate the database, start the provider."""
        folder = settings.data_dir
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)

        database = Database(settings.sqlalchemy_url)
        database.migrate()
        registry_folder = folder / "registry"
        registry_folder.mkdir(exist_ok=True)
        issuer = TokenIssuer(
            registry_folder, settings.token_issuer, settings.registry_service
        )
        puller_password = registry_access.puller_password(registry_folder)
        images = ImageStore(
            settings.registry_url, registry_access.PULLER, puller_password
        )
        provider = LocalProvider(
            folder / "provider", images.pull, settings.runtime, settings.health_timeout
        )
        return cls(
            settings=settings,
            database=database,
            sealer=Sealer(folder / "env.key"),
            issuer=issuer,
            puller_password=puller_password,
            images=images,
            provider=provider,
        )

    def relaunch(self) -> int:
        """Start every service's current release again; returns how many."""
        with self.database.transaction() as session:
            deployments = current_deployments(session, self.sealer)
        for deployment in deployments:
            self.provider.deploy(deployment)
        if deployments:
            log.info("relaunching %d services", len(deployments))
        return len(deployments)

    def token_lifetime(self, credential_expires_at: float) -> int:
        """Registry tokens never outlive the credentials they were issued for."""
        remaining = int(credential_expires_at - time.time())
        return max(1, min(self.settings.registry_token_seconds, remaining))

    def close(self) -> None:
        self.provider.stop()
        self.database.close()
