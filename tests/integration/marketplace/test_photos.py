"""Photo uploads are bounded in pixels before they are decoded, whatever their size in bytes."""

import io

from PIL import Image

from services.marketplace.main import MarketplaceSettings, create_app
from tests.support.infrastructure import Infrastructure
from tests.support.marketplace import Season, draft_of, learn
from tests.support.services import serving, settings_for


def png(width: int, height: int) -> bytes:
    picture = io.BytesIO()
    Image.new("L", (width, height), 200).save(picture, format="PNG", optimize=True)
    return picture.getvalue()


async def test_an_image_of_more_pixels_than_allowed_is_refused_naming_the_body_however_small_its_file(
    infrastructure: Infrastructure, namespace: str
) -> None:
    settings = settings_for(MarketplaceSettings, infrastructure, namespace, photo_max_pixels=4_000_000)
    async with serving(create_app(settings)) as marketplace:
        officer = await marketplace.mint_key("listings:write")
        season = Season()
        await learn(
            infrastructure,
            namespace,
            production=[season.site(), season.released("lot-1", "10")],
            enrolment=[season.programme()],
        )
        draft = await draft_of(marketplace, officer)
        url = f"/listings/{draft['id']}/photos"
        vast = png(4000, 1001)  # one grey, so a few kilobytes of file for four megapixels
        assert len(vast) < 100_000

        refused = await marketplace.http.post(url, content=vast, headers={**officer, "Content-Type": "image/png"})
        added = await marketplace.http.post(
            url, content=png(2000, 2000), headers={**officer, "Content-Type": "image/png"}
        )

    assert (refused.status_code, refused.json()["field"]) == (422, "body"), refused.text
    assert "at most 4000000 pixels" in refused.json()["detail"]
    assert added.status_code == 201, added.text
