#include "domain/event_codec.hpp"

#include <cereal/archives/portable_binary.hpp>
#include <cstdint>
#include <span>
#include <spanstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

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

// Reads what cereal::PortableBinaryOutputArchive wrote, byte for byte as its input archive
// does, but refuses what that one would trust: a string length beyond the whole payload
// (corrupt bytes would otherwise make one decode allocate gigabytes before failing), and a
// bool stored as anything but 0 or 1 (loading it would be undefined behaviour).
class PayloadArchive : public cereal::InputArchive<PayloadArchive, cereal::AllowEmptyClassElision> {
 public:
  PayloadArchive(std::istream& in, std::size_t payload_size)
      : InputArchive(this), portable_(in), payload_size_(payload_size) {}

  template <class T>
  void load_bytes(T* data, std::size_t count) {
    portable_.loadBinary<sizeof(T)>(data, static_cast<std::streamsize>(count * sizeof(T)));
  }
  [[nodiscard]] std::size_t payload_size() const { return payload_size_; }

 private:
  cereal::PortableBinaryInputArchive portable_;  // reads the endianness marker first
  std::size_t payload_size_;
};

template <class T>
requires std::is_arithmetic_v<T>
void CEREAL_LOAD_FUNCTION_NAME(PayloadArchive& archive, T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    std::uint8_t byte = 0;
    archive.load_bytes(&byte, 1);
    if (byte > 1) throw std::runtime_error("a bool is neither 0 nor 1");
    value = byte == 1;
  } else {
    archive.load_bytes(&value, 1);
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(PayloadArchive& archive, cereal::BinaryData<T>& data) {
  using Element = std::remove_pointer_t<T>;
  archive.load_bytes(static_cast<Element*>(data.data), data.size / sizeof(Element));
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(PayloadArchive& archive, cereal::SizeTag<T>& tag) {
  archive(tag.size);
  if (tag.size > archive.payload_size()) throw std::length_error("a length beyond the payload");
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(PayloadArchive& archive, cereal::NameValuePair<T>& pair) {
  archive(pair.value);
}

// Building an input stream (its locale) and copying the payload into it for every event made a
// third of a payload's decoding (6.6k -> 4.4k instructions without, callgrind over a replay),
// and every replay decodes every event: so each thread keeps one stream, pointed at each
// payload in turn without copying it.
std::istream& stream_over(std::string_view payload) {
  thread_local std::ispanstream in(std::span<const char>{});
  in.clear();
  in.span(std::span<const char>(payload.data(), payload.size()));
  return in;
}

template <class T>
std::expected<Event, std::string> decode_payload(std::string_view payload) {
  // cereal reports truncated or malformed input by throwing; this is the boundary where that
  // becomes a value.
  try {
    std::istream& in = stream_over(payload);
    PayloadArchive archive(in, payload.size());
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
