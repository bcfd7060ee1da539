// Pattern detectors and their validators: positives in French and English
// contexts, exact spans, and the hard negatives that must stay quiet.
#include <catch2/catch.hpp>

#include "filters/patterns.h"
#include "filters/validators.h"

using namespace moisson::filters;

namespace {

const PatternDetector& Det() {
  static const PatternDetector* d = [] {
    auto r = PatternDetector::Create();
    REQUIRE(r.ok());
    return new PatternDetector(std::move(r).value());
  }();
  return *d;
}

// The spans of category `c` found in `text`, as substrings.
std::vector<std::string> Found(const std::string& text, Category c) {
  std::vector<Detection> out;
  Det().Detect(text, {}, &out);
  std::vector<std::string> spans;
  for (const auto& d : out) {
    REQUIRE(d.start <= d.end);
    REQUIRE(d.end <= text.size());
    if (d.category == c) spans.push_back(text.substr(d.start, d.end - d.start));
  }
  return spans;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("Validators: Luhn and issuer prefixes", "[validators]") {
  CHECK(LuhnValid("4111111111111111"));
  CHECK_FALSE(LuhnValid("4111111111111112"));
  CHECK(ValidCardNumber("4111 1111 1111 1111"));
  CHECK(ValidCardNumber("5555-5555-5555-4444"));
  CHECK(ValidCardNumber("378282246310005"));  // Amex, 15 digits
  CHECK(ValidCardNumber("2223003122003222"));  // Mastercard 2-series
  CHECK_FALSE(ValidCardNumber("4111 1111 1111 1112"));  // fails Luhn
  CHECK_FALSE(ValidCardNumber("1234567812345670"));     // Luhn-valid, no issuer starts with 1
  CHECK_FALSE(ValidCardNumber("0000000000000000"));
  CHECK_FALSE(ValidCardNumber("37828224631000"));  // Amex needs 15 digits
}

TEST_CASE("Validators: IBAN length per country and mod 97", "[validators]") {
  CHECK(ValidIban("FR76 3000 6000 0112 3456 7890 189"));
  CHECK(ValidIban("DE89370400440532013000"));
  CHECK(ValidIban("GB82 WEST 1234 5698 7654 32"));
  CHECK_FALSE(ValidIban("FR77 3000 6000 0112 3456 7890 189"));  // check digits
  CHECK_FALSE(ValidIban("FR76 3000 6000 0112 3456 7890 18"));   // FR is 27 long
  CHECK_FALSE(ValidIban("ZZ76 3000 6000 0112 3456 7890 189"));  // no such country
}

TEST_CASE("Validators: clé RIB, NIR with Corsica, BIC shape, IP addresses, phones", "[validators]") {
  CHECK(ValidRib("30006", "60001", "12345678901", "55"));
  CHECK_FALSE(ValidRib("30006", "60001", "12345678901", "56"));
  CHECK(ValidNir("1 84 12 76 451 089 46"));
  CHECK_FALSE(ValidNir("1 84 12 76 451 089 47"));
  CHECK(ValidNir("2 90 05 2A 004 123 52"));
  CHECK_FALSE(ValidNir("3 84 12 76 451 089 46"));  // sex digit
  CHECK(ValidBicShape("AGRIFRPP"));
  CHECK(ValidBicShape("DEUTDEFF500"));
  CHECK_FALSE(ValidBicShape("BONJOUR1"));
  CHECK_FALSE(ValidBicShape("ABCDZZ12"));  // ZZ is no country
  CHECK(ValidIpv4("203.0.113.45"));
  CHECK_FALSE(ValidIpv4("256.1.1.1"));
  CHECK(ValidIpv6("2001:db8::1"));
  CHECK_FALSE(ValidIpv6("12:30:45"));
  CHECK(ValidPhone("06 12 34 56 78", "FR"));
  CHECK(ValidPhone("+33 1 42 68 53 00", "FR"));
  CHECK(ValidPhone("202-555-0143", "US"));
  CHECK_FALSE(ValidPhone("12 34 56", "FR"));
}

TEST_CASE("E-mails: any occurrence, exact span, no trailing dot", "[patterns]") {
  CHECK(Found("Écrivez à claire.morel@example.fr.", Category::kIdEmail) == V{"claire.morel@example.fr"});
  CHECK(Found("contact: sales+eu@shop.example.co.uk, or call", Category::kIdEmail) == V{"sales+eu@shop.example.co.uk"});
  CHECK(Found("no address here @ all, user@localhost", Category::kIdEmail).empty());
}

TEST_CASE("Phones: French and international, validated - dates, prices and references are not", "[patterns]") {
  CHECK(Found("appelez le 06 12 34 56 78 avant vendredi", Category::kIdPhone) == V{"06 12 34 56 78"});
  CHECK(Found("tel: 06.12.34.56.78", Category::kIdPhone) == V{"06.12.34.56.78"});
  CHECK(Found("standard +33 1 42 68 53 00 ou", Category::kIdPhone) == V{"+33 1 42 68 53 00"});
  CHECK(Found("call me on 202-555-0143 tonight", Category::kIdPhone) == V{"202-555-0143"});
  CHECK(Found("Berlin office +49 30 123456 today", Category::kIdPhone) == V{"+49 30 123456"});
  CHECK(Found("le 12.05.2024 à 10h30", Category::kIdPhone).empty());
  CHECK(Found("prix : 1 299 000 euros", Category::kIdPhone).empty());
  CHECK(Found("ISBN 978-2-07-036822-8", Category::kIdPhone).empty());
  CHECK(Found("commande n° 2024 0012 3456", Category::kIdPhone).empty());
}

TEST_CASE("Cards: Luhn-valid numbers with an issuer - others are not cards", "[patterns]") {
  CHECK(Found("ma carte 4111 1111 1111 1111 a expiré", Category::kBankingCard) == V{"4111 1111 1111 1111"});
  CHECK(Found("card 5555-5555-5555-4444 exp 12/27", Category::kBankingCard) == V{"5555-5555-5555-4444"});
  CHECK(Found("Amex 3782 822463 10005 ok", Category::kBankingCard) == V{"3782 822463 10005"});
  CHECK(Found("réf. 4111 1111 1111 1112", Category::kBankingCard).empty());
  CHECK(Found("tracking 1234 5678 1234 5670", Category::kBankingCard).empty());
  // A card number is not also reported as a phone.
  CHECK(Found("ma carte 4111 1111 1111 1111 a expiré", Category::kIdPhone).empty());
}

TEST_CASE("IBAN, RIB and BIC in banking context", "[patterns]") {
  CHECK(Found("virement sur FR76 3000 6000 0112 3456 7890 189 svp", Category::kBankingIban) ==
        V{"FR76 3000 6000 0112 3456 7890 189"});
  CHECK(Found("IBAN: DE89370400440532013000", Category::kBankingIban) == V{"DE89370400440532013000"});
  CHECK(Found("FR77 3000 6000 0112 3456 7890 189", Category::kBankingIban).empty());
  CHECK(Found("RIB 30006 60001 12345678901 55", Category::kBankingRib) == V{"30006 60001 12345678901 55"});
  CHECK(Found("RIB 30006 60001 12345678901 56", Category::kBankingRib).empty());
  CHECK(Found("IBAN FR76..., BIC AGRIFRPP.", Category::kBankingBic) == V{"AGRIFRPP"});
  CHECK(Found("SWIFT code: DEUTDEFF500", Category::kBankingBic) == V{"DEUTDEFF500"});
  CHECK(Found("Il a crié BONJOURFR dans la salle", Category::kBankingBic).empty());
  CHECK(Found("Le groupe DEUTDEFF joue ce soir", Category::kBankingBic).empty());
}

TEST_CASE("NIR: valid key only, Corsica included", "[patterns]") {
  CHECK(Found("mon numéro de sécu : 1 84 12 76 451 089 46.", Category::kIdNir) == V{"1 84 12 76 451 089 46"});
  CHECK(Found("NIR 290052A00412352", Category::kIdNir) == V{"290052A00412352"});
  CHECK(Found("NIR 1 84 12 76 451 089 47", Category::kIdNir).empty());
}

TEST_CASE("IP addresses: not versions, not longer dotted numbers, not times", "[patterns]") {
  CHECK(Found("my server is at 203.0.113.45.", Category::kIdIp) == V{"203.0.113.45"});
  CHECK(Found("ping 2001:db8::8a2e:370:7334 now", Category::kIdIp) == V{"2001:db8::8a2e:370:7334"});
  CHECK(Found("version 1.2.3.4 is out", Category::kIdIp).empty());
  CHECK(Found("OID 1.3.6.1.4.1.311", Category::kIdIp).empty());
  CHECK(Found("rendez-vous à 12:30:45", Category::kIdIp).empty());
  CHECK(Found("999.1.1.1", Category::kIdIp).empty());
}

TEST_CASE("Handles and profile links - not e-mails, CSS at-rules or decorators", "[patterns]") {
  CHECK(Found("suivez @trail_sam pour les photos", Category::kIdHandle) == V{"@trail_sam"});
  CHECK(Found("(via @Marie.Dupont)", Category::kIdHandle) == V{"@Marie.Dupont"});
  CHECK(Found("mon insta: instagram.com/lea.photos", Category::kIdHandle) == V{"instagram.com/lea.photos"});
  CHECK(Found("https://twitter.com/share?url=x", Category::kIdHandle).empty());
  CHECK(Found("mail jean@example.fr", Category::kIdHandle).empty());
  CHECK(Found("@media screen { body {} } @import url(x.css);", Category::kIdHandle).empty());
  CHECK(Found("    @Override\n    public void run()", Category::kIdHandle).empty());
}

TEST_CASE("Coordinates locate people - landmarks and maths do not", "[patterns]") {
  CHECK(Found("rendez-vous ici : 48.8566, 2.3522 à 20h", Category::kGeoCoordinates) == V{"48.8566, 2.3522"});
  CHECK(Found("I'm at 48°51'24\"N 2°21'08\"E right now", Category::kGeoCoordinates) == V{"48°51'24\"N 2°21'08\"E"});
  CHECK(Found("La tour Eiffel est située aux coordonnées 48.8584, 2.2945.", Category::kGeoCoordinates).empty());
  CHECK(Found("Soit le point (1.500, 2.250) du plan.", Category::kGeoCoordinates).empty());
  CHECK(Found("x = 0.125, y = 0.500", Category::kGeoCoordinates).empty());
  CHECK(Found("score 2.5, 3.1 au total", Category::kGeoCoordinates).empty());
  CHECK(Found("lat 95.1234, 2.3522", Category::kGeoCoordinates).empty());
}

TEST_CASE("geo: URIs and map links with coordinates", "[patterns]") {
  CHECK(Found("ici geo:48.8566,2.3522 !", Category::kGeoUri) == V{"geo:48.8566,2.3522"});
  CHECK(Found("https://www.google.com/maps/@48.8566,2.3522,15z voilà", Category::kGeoUri) ==
        V{"https://www.google.com/maps/@48.8566,2.3522,15z"});
  CHECK(Found("https://www.openstreetmap.org/?mlat=48.8566&mlon=2.3522", Category::kGeoUri).size() == 1);
  CHECK(Found("https://www.google.com/maps/place/Paris", Category::kGeoUri).empty());
}

TEST_CASE("Addresses: a person's, not a shop's or an institution's", "[patterns]") {
  CHECK(Found("Venez le chercher : j'habite au 12 rue des Lilas, 75011 Paris, le soir.", Category::kGeoAddress) ==
        V{"12 rue des Lilas, 75011 Paris"});
  CHECK(Found("I live at 742 Evergreen Terrace, Springfield.", Category::kGeoAddress) == V{"742 Evergreen Terrace"});
  CHECK(Found("Send it to my home address: 221B Baker Street, London NW1 6XE.", Category::kGeoAddress) ==
        V{"221B Baker Street, London NW1 6XE"});
  CHECK(Found("Notre magasin, 4 rue de la Paix, 75002 Paris, est ouvert du mardi au samedi.", Category::kGeoAddress).empty());
  CHECK(Found("La mairie, 1 place de l'Hôtel de Ville, vous accueille.", Category::kGeoAddress).empty());
  CHECK(Found("Visit our store at 1600 Amphitheatre Parkway.", Category::kGeoAddress).empty());
}
