// ui_texture.h: the one thing the UI needs from the graphics layer — RGBA images as ImGui textures.
//
// Declared here, implemented by the platform (src/platform/gl_texture.cpp, the same code for WebGL2 and
// OpenGL 3), so the panels stay free of GL. Textures are sampled nearest-neighbour: map pixels stay crisp when
// drawn large.
#pragma once
#include <cstdint>

#include "imgui.h"

namespace convlens {

// Creates a texture (when `texture` is null) or refills it with width x height RGBA pixels; returns it.
ImTextureID texture_update(ImTextureID texture, int width, int height, const uint8_t* rgba);
void texture_free(ImTextureID texture);

}  // namespace convlens
