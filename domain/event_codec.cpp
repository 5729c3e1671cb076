#include "domain/event_codec.hpp"

#include <cereal/archives/portable_binary.hpp>
#include <sstream>

namespace orgd::domain {
namespace {

template <class T>
std::string encode_payload(const T& event) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(out);
    archive(event);
  }
  return std::move(out).str();
}

template <class T>
std::expected<Event, std::string> decode_payload(std::string_view payload) {
  // cereal reports truncated or malformed input by throwing; this is the boundary where that
  // becomes a value.
  try {
    std::istringstream in(std::string(payload), std::ios::binary);
    cereal::PortableBinaryInputArchive archive(in);
    T event;
    archive(event);
    if (in.peek() != std::char_traits<char>::eof()) {
      return std::unexpected(std::string(T::kType) + ": trailing bytes after payload");
    }
    return Event{std::move(event)};
  } catch (const std::exception& e) {
    return std::unexpected(std::string(T::kType) + ": " + e.what());
  }
}

template <class T>
std::uint32_t schema_version_of() {
  return cereal::detail::Version<T>::version;
}

}  // namespace

std::string_view event_type(const Event& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

EncodedEvent encode_event(const Event& event) {
  return std::visit(
      [](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        return EncodedEvent{std::string(T::kType), schema_version_of<T>(), encode_payload(e)};
      },
      event);
}

std::expected<Event, std::string> decode_event(std::string_view type,
                                               std::uint32_t /*schema_version*/,
                                               std::string_view payload) {
  // The payload carries cereal's own class version, which serialize() receives for upcasting;
  // the envelope's schema_version is the same number, kept for readers without cereal.
  std::expected<Event, std::string> result = std::unexpected("unknown event type: " +
                                                             std::string(type));
  auto try_type = [&]<class T>() {
    if (type == T::kType) result = decode_payload<T>(payload);
  };
  [&]<class... Ts>(std::variant<Ts...>*) { (try_type.template operator()<Ts>(), ...); }(
      static_cast<Event*>(nullptr));
  return result;
}

}  // namespace orgd::domain
