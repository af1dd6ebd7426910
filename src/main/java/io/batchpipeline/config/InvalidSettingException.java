package io.batchpipeline.config;

import io.batchpipeline.common.InvalidPropertyException;

/**
 * A setting the user gave cannot work: an application key, or a pipeline's template parameter. The message names
 * it and says what to do about it; the jar exits with code 2.
 */
public class InvalidSettingException extends InvalidPropertyException {

    public InvalidSettingException(String setting, String problem) {
        super(setting, problem);
    }

    public InvalidSettingException(String setting, String problem, Throwable cause) {
        super(setting, problem, cause);
    }

    /** The key, or "parameter x of pipeline y". */
    public String setting() {
        return property();
    }
}
