import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        // Something that takes the whole process down (here: the process kills itself).
        process.kill(process.pid, 'SIGKILL');
    }
});
