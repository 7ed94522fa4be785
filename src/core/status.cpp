#include "sluice/status.h"

namespace sluice {

const char* to_string(ErrorClass c) {
  switch (c) {
    case ErrorClass::config: return "config";
    case ErrorClass::connect: return "connect";
    case ErrorClass::transient: return "transient";
    case ErrorClass::data: return "data";
    case ErrorClass::internal: return "internal";
    case ErrorClass::interrupted: return "interrupted";
  }
  return "internal";
}

}  // namespace sluice
