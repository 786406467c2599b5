// gl_texture.cpp: ui_texture.h for OpenGL 3 (desktop) and WebGL2 (browser): RGBA8 textures, nearest filtering.
// The calls used exist unchanged in both APIs; only the header differs.
#include "ui_texture.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif

#include <cstdint>

namespace convlens {

ImTextureID texture_update(ImTextureID texture, int width, int height, const uint8_t* rgba) {
  GLuint id = GLuint(reinterpret_cast<uintptr_t>(texture));
  if (id == 0) {
    glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  } else {
    glBindTexture(GL_TEXTURE_2D, id);
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  return reinterpret_cast<ImTextureID>(uintptr_t(id));
}

void texture_free(ImTextureID texture) {
  const GLuint id = GLuint(reinterpret_cast<uintptr_t>(texture));
  if (id != 0) glDeleteTextures(1, &id);
}

}  // namespace convlens
