// Umbrella header for reading Ango Annotation Format exports.
#pragma once

#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
