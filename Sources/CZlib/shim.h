// zlib, for gzip-compressed IDX files and PNG's deflate streams.
#pragma once
#include <zlib.h>
