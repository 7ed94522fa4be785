#pragma once
// The last line of defence for secrets: every place that prints (log sinks, pipeline
// errors, plan/verify/state output, reports, reject files) passes its text through
// redact::apply. The first line is that no message is ever built from a password: URL
// and interpolation errors name what is wrong, not the text around it.
#include <string>
#include <string_view>

namespace sluice::redact {

// Remembers a secret (a password, the content of a password_file, a variable
// interpolated into one) so that apply() masks it. Secrets shorter than
// kMinSecretLength are not masked by value (masking every "db" in every message would
// garble paths and names); they still never reach a message by construction.
constexpr std::size_t kMinSecretLength = 8;
void add_secret(const std::string& secret);

// `text` with the userinfo of every URL-shaped string ("scheme://user:pass@") shown as
// "scheme://user:***@" (everything up to the last '@' of the token when the user part
// itself cannot be told apart), every connection-string password (PWD=***) and every
// remembered secret replaced by ***.
std::string apply(std::string_view text);

// The value of every PWD= / Password= attribute of an ODBC connection string as ***.
std::string connection_string_passwords(std::string_view text);

// Only the URL rule of apply(): for text that mentions a URL the user wrote.
std::string url_userinfo(std::string_view text);

}  // namespace sluice::redact
