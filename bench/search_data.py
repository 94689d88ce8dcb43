"""The search bench's inventory (a million rows generated in SQL) and its fixed query mix."""

from __future__ import annotations

# Skewed like a real market: a few makes hold most of the stock (pow(random(), k) favours the
# first entries), model years lean recent, price falls with age, mileage grows with it; a few
# percent lack a year, price or mileage; 500 dealers; VINs unrelated to creation order; groups
# of ten vehicles share a creation time (as one seed run does), so the VIN tie-break is used.
FILL = """
INSERT INTO vehicles (vin, make, model, trim, description, image_urls, year, price, mileage,
                      condition, stock_number, dealer_name, status, created_at)
SELECT vin, make, model, trim,
       make || ' ' || model || ' ' || trim || '. ' || phrase_a || ' ' || phrase_b,
       ARRAY['https://img.example.com/' || n || '.jpg'],
       CASE WHEN r_null < 0.01 THEN NULL ELSE year END,
       CASE WHEN r_null BETWEEN 0.01 AND 0.03 THEN NULL
            ELSE round((48000 * pow(0.87, 2026 - year) * (0.6 + r_price * 0.9))::numeric, -2) - 1
       END,
       CASE WHEN r_null BETWEEN 0.03 AND 0.06 THEN NULL
            WHEN year >= 2026 THEN (r_miles * 50)::int
            ELSE ((2026 - year) * 12000 * (0.4 + r_miles * 1.2))::int END,
       CASE WHEN year >= 2026 THEN 'New' WHEN r_status < 0.1 THEN 'Certified' ELSE 'Used' END,
       upper(substr(md5(dealer), 1, 2)) || '-' || lpad((n %% 100000)::text, 5, '0'),
       dealer,
       CASE WHEN r_status < 0.85 THEN 'available' WHEN r_status < 0.90 THEN 'pending'
            ELSE 'sold' END,
       timestamptz '2024-01-01' + (n / 10) * interval '1 minute'
FROM (
    SELECT n, '1' || upper(substr(md5(n::text), 1, 16)) AS vin,
           makes[m] AS make, models[(m - 1) * 5 + 1 + floor(pow(random(), 1.4) * 5)::int] AS model,
           trims[1 + floor(random() * 12)::int] AS trim,
           2026 - floor(pow(random(), 1.6) * 18)::int AS year,
           'Dealer ' || floor(pow(random(), 1.3) * 500)::int AS dealer,
           phrases[1 + floor(random() * 8)::int] AS phrase_a,
           phrases[9 + floor(random() * 8)::int] AS phrase_b,
           random() AS r_null, random() AS r_price, random() AS r_miles, random() AS r_status
    FROM generate_series(1, %(rows)s) AS n,
         LATERAL (SELECT 1 + floor(pow(random(), 1.8) * 20)::int + 0 * n AS m) AS pick,
         (SELECT ARRAY['Toyota', 'Ford', 'Chevrolet', 'Honda', 'Nissan', 'Jeep', 'Hyundai',
                       'Kia', 'Subaru', 'GMC', 'Ram', 'BMW', 'Mercedes-Benz', 'Volkswagen',
                       'Mazda', 'Lexus', 'Audi', 'Tesla', 'Citroën', 'Škoda'] AS makes,
                 ARRAY['Camry', 'Corolla', 'RAV4', 'Tacoma', 'Highlander',
                       'F-150', 'Escape', 'Explorer', 'Mustang', 'Bronco',
                       'Silverado', 'Equinox', 'Malibu', 'Tahoe', 'Traverse',
                       'Civic', 'Accord', 'CR-V', 'Pilot', 'Odyssey',
                       'Altima', 'Rogue', 'Sentra', 'Frontier', 'Pathfinder',
                       'Wrangler', 'Grand Cherokee', 'Cherokee', 'Compass', 'Gladiator',
                       'Elantra', 'Tucson', 'Santa Fe', 'Sonata', 'Kona',
                       'Sportage', 'Sorento', 'Telluride', 'Forte', 'Soul',
                       'Outback', 'Forester', 'Crosstrek', 'Impreza', 'Ascent',
                       'Sierra', 'Yukon', 'Acadia', 'Canyon', 'Terrain',
                       '1500', '2500', 'ProMaster', '3500', 'Classic',
                       '3 Series', 'X3', 'X5', '5 Series', 'X1',
                       'C-Class', 'GLC', 'E-Class', 'GLE', 'Sprinter',
                       'Jetta', 'Tiguan', 'Atlas', 'Golf', 'Passat',
                       'CX-5', 'Mazda3', 'CX-30', 'CX-9', 'MX-5',
                       'RX', 'ES', 'NX', 'IS', 'GX',
                       'Q5', 'A4', 'Q7', 'A6', 'Q3',
                       'Model 3', 'Model Y', 'Model S', 'Model X', 'Cybertruck',
                       'C5 Aircross', 'C3', 'Berlingo', 'C4', 'Ami',
                       'Octavia', 'Superb', 'Kodiaq', 'Fabia', 'Enyaq'] AS models,
                 ARRAY['Base', 'LE', 'SE', 'XLE', 'Limited', 'Sport', 'Touring', 'EX', 'LX',
                       'Lariat', '4xe Sahara', 'Premium'] AS trims,
                 ARRAY['One owner, clean history.', 'Dealer maintained.', 'Low miles for the year.',
                       'Fresh tires and brakes.', 'Non-smoker, garage kept.',
                       'Certified pre-owned.',
                       'Priced to sell.', 'Extended warranty available.',
                       'Heated seats, backup camera.', 'Apple CarPlay and Android Auto.',
                       'Panoramic sunroof.', 'Tow package, trailer hitch.',
                       'All-wheel drive.', 'Leather interior.', 'Adaptive cruise control.',
                       'Navigation, premium audio.'] AS phrases) AS lists
) AS generated
"""

# Each query of the mix, as a client would send it, with what it stands for.
MIX: tuple[tuple[str, str], ...] = (
    ("page_size=20", "the default list"),
    ("sort=price&page_size=20", "cheapest first"),
    ("sort=-price&page_size=20", "dearest first"),
    ("sort=mileage&page_size=20", "lowest mileage"),
    ("sort=-year&page_size=20", "newest model year"),
    ("sort=oldest&page_size=20", "oldest listings"),
    ("make=toyota&page_size=20", "one common make"),
    ("make=toyota&make=honda&sort=price&page_size=20", "two makes, cheapest"),
    ("make=tesla&model=model%203&page_size=20", "make and model"),
    ("model=cr-v&sort=-year&page_size=20", "a model alone, newest year"),
    (
        "make=toyota&condition=used&price_max=25000&mileage_max=60000&page_size=20",
        "the issue's used Toyota under $25,000, < 60,000 miles",
    ),
    ("price_min=20000&price_max=30000&sort=price&page_size=20", "a price band, cheapest"),
    ("year_min=2024&sort=mileage&page_size=20", "recent years, lowest mileage"),
    ("mileage_max=5000&sort=-price&page_size=20", "nearly new, dearest"),
    ("year_min=2010&year_max=2012&page_size=20", "a narrow year range"),
    ("status=pending&page_size=20", "pending sales"),
    ("dealer=dealer%2042&page_size=20", "one dealer's lot"),
    ("dealer=dealer%207&status=sold&sort=oldest&page_size=20", "a dealer's sold, oldest"),
    ("q=wrangler%204xe&page_size=20", "words"),
    ("q=panoramic%20sunroof&make=bmw&page_size=20", "words and a make"),
    ("q=%22tow%20package%22&sort=price&page_size=20", "a phrase, cheapest"),
    ("q=f-150%20lariat&page_size=20", "a hyphenated model"),
    ("q=citroen&page_size=20", "an accent-folded make"),
    ("q=1C4CA&page_size=20", "a VIN prefix"),
    ("q=45-0012&page_size=20", "a stock-number prefix (Dealer 3's 45-)"),
    ("make=ford&count=exact&page_size=20", "count=exact of a common make"),
    ("make=ford&count=none&sort=-price&page_size=20", "count=none"),
)
